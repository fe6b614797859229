package dev.vitlens.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PreprocessorConfigTest {

    @Test
    void vitStyleHeightWidth() throws Exception {
        PreprocessorConfig p = PreprocessorConfig.parse("""
                {"do_normalize":true,"do_rescale":true,"do_resize":true,"image_mean":[0.5,0.5,0.5],
                 "image_processor_type":"ViTImageProcessor","image_std":[0.5,0.5,0.5],"resample":2,
                 "rescale_factor":0.00392156862745098,"size":{"height":224,"width":224}}""", Family.VIT);
        assertEquals(PreprocessorConfig.Size.exact(224, 224), p.size());
        assertEquals(ResampleMethod.BILINEAR, p.resample());
        assertFalse(p.doCenterCrop());
        assertArrayEquals(new int[] {224, 224}, p.fixedOutputSize());
        assertEquals(0.00392156862745098, p.rescaleFactor());
    }

    @Test
    void oldStyleIntSizeAndIntCropSize() throws Exception {
        PreprocessorConfig p = PreprocessorConfig.parse("""
                {"do_center_crop":true,"crop_size":224,"size":256,"resample":3,
                 "feature_extractor_type":"DeiTFeatureExtractor"}""", Family.DEIT);
        assertEquals(PreprocessorConfig.Size.exact(256, 256), p.size());
        assertEquals(224, p.cropHeight());
        assertEquals(ResampleMethod.BICUBIC, p.resample());
        // DeiT defaults fill what the file leaves out.
        assertArrayEquals(PreprocessorConfig.IMAGENET_DEFAULT_MEAN, p.imageMean());
        assertArrayEquals(PreprocessorConfig.IMAGENET_DEFAULT_STD, p.imageStd());
    }

    @Test
    void shortestEdgeKeepsAspectLikeTransformers() throws Exception {
        PreprocessorConfig p = PreprocessorConfig.parse("{\"size\":{\"shortest_edge\":224}}", Family.VIT);
        assertFalse(p.size().isExact());
        // transformers: short side = 224, long side = int(224 * long / short)
        assertArrayEquals(new int[] {224, 298}, p.resizedSize(480, 640));
        assertArrayEquals(new int[] {298, 224}, p.resizedSize(640, 480));
        assertArrayEquals(new int[] {224, 224}, p.resizedSize(100, 100));
        assertNull(p.fixedOutputSize());
    }

    @Test
    void shortestAndLongestEdge() throws Exception {
        PreprocessorConfig p = PreprocessorConfig.parse(
                "{\"size\":{\"shortest_edge\":200,\"longest_edge\":300}}", Family.VIT);
        // 200 x int(200*1000/100)=2000 exceeds 300 -> (int(300*200/2000), 300) = (30, 300)
        assertArrayEquals(new int[] {30, 300}, p.resizedSize(100, 1000));
        assertEquals(300, p.size().longestEdge());
    }

    @Test
    void cropPctFollowsConvNextSemantics() throws Exception {
        PreprocessorConfig p = PreprocessorConfig.parse(
                "{\"size\":{\"shortest_edge\":224},\"crop_pct\":0.875}", Family.VIT);
        // int(224 / 0.875) = 256 on the short side, then a 224x224 crop.
        assertArrayEquals(new int[] {256, 341}, p.resizedSize(300, 400));
        assertArrayEquals(new int[] {224, 224}, p.cropSize());
        assertArrayEquals(new int[] {224, 224}, p.fixedOutputSize());
    }

    @Test
    void cropSizeAsHeightWidthAndShortestEdge() throws Exception {
        PreprocessorConfig a = PreprocessorConfig.parse(
                "{\"do_center_crop\":true,\"crop_size\":{\"height\":20,\"width\":24}}", Family.BEIT);
        assertArrayEquals(new int[] {20, 24}, a.cropSize());
        PreprocessorConfig b = PreprocessorConfig.parse(
                "{\"do_center_crop\":true,\"crop_size\":{\"shortest_edge\":64}}", Family.BEIT);
        assertArrayEquals(new int[] {64, 64}, b.cropSize());
    }

    @Test
    void familyDefaults() {
        PreprocessorConfig vit = PreprocessorConfig.defaults(Family.VIT);
        assertEquals(ResampleMethod.BILINEAR, vit.resample());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, vit.imageMean());
        PreprocessorConfig deit = PreprocessorConfig.defaults(Family.DEIT);
        assertEquals(PreprocessorConfig.Size.exact(256, 256), deit.size());
        assertTrue(deit.doCenterCrop());
        assertEquals(ResampleMethod.BICUBIC, deit.resample());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, deit.imageStd());
        PreprocessorConfig beit = PreprocessorConfig.defaults(Family.BEIT);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, beit.imageStd());
        assertArrayEquals(new int[] {224, 224}, beit.fixedOutputSize());
    }

    @Test
    void processorTypeChoosesDefaults() throws Exception {
        // A DeiT model saved with a ViT processor uses ViT defaults for missing fields.
        PreprocessorConfig p = PreprocessorConfig.parse("{\"image_processor_type\":\"ViTImageProcessor\"}",
                Family.DEIT);
        assertEquals(ResampleMethod.BILINEAR, p.resample());
        assertFalse(p.doCenterCrop());
    }

    @Test
    void allResampleCodes() throws Exception {
        ResampleMethod[] expected = {ResampleMethod.NEAREST, ResampleMethod.LANCZOS, ResampleMethod.BILINEAR,
                ResampleMethod.BICUBIC, ResampleMethod.BOX, ResampleMethod.HAMMING};
        for (int code = 0; code < expected.length; code++) {
            assertEquals(expected[code],
                    PreprocessorConfig.parse("{\"resample\":" + code + "}", Family.VIT).resample());
        }
    }

    @Test
    void rejectsMalformedFieldsClearly() {
        assertMessage("{\"resample\":9}", "not a PIL filter code");
        assertMessage("{\"resample\":\"bilinear\"}", "\"resample\" must be a PIL filter code");
        assertMessage("{\"size\":{\"foo\":3}}", "must have height and width, or shortest_edge");
        assertMessage("{\"size\":{\"height\":3}}", "needs both height and width");
        assertMessage("{\"size\":\"224\"}", "\"size\" must be an integer or an object");
        assertMessage("{\"image_mean\":[0.5,0.5]}", "\"image_mean\" must be a list of 3 numbers");
        assertMessage("{\"image_std\":[0.5,0,0.5]}", "\"image_std\" must be positive");
        assertMessage("{\"crop_pct\":1.5}", "\"crop_pct\" must be in (0, 1]");
        assertMessage("{\"do_resize\":\"yes\"}", "\"do_resize\" must be true or false");
    }

    private static void assertMessage(String json, String expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> PreprocessorConfig.parse(json, Family.VIT));
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    }
}
