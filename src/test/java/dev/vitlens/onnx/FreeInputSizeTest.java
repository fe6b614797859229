package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreeInputSizeTest {
    private static final List<String> OUTPUTS = List.of("Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0");

    private static byte[] blazeFace() throws Exception {
        try (InputStream in = FreeInputSizeTest.class.getResourceAsStream(
                "/dev/vitlens/camera/face_detection_front_128x128_barracuda.onnx")) {
            return in.readAllBytes();
        }
    }

    /**
     * BlazeFace after {@link ChannelBlocks}: freed, it computes the same outputs on the 128 px square as the fixed
     * graph, and runs a 128x96 and a 96x128 input with one anchor per cell of those grids.
     */
    @Test
    void blazeFaceRunsAnySizeInWholeCellsAndTheSquareAsBefore() throws Exception {
        byte[] fixed = ChannelBlocks.rewrite(OnnxModelFiles.parse(blazeFace())).bytes();
        ModelProto free = FreeInputSize.rewrite(OnnxModelFiles.parse(fixed));
        TensorShapeProto in = free.getGraph().getInput(0).getType().getTensorType().getShape();
        assertEquals("height", in.getDim(1).getDimParam());
        assertEquals("width", in.getDim(2).getDimParam());
        assertEquals(3, in.getDim(3).getDimValue());

        Random r = new Random(11);
        float[] x = new float[128 * 128 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin((i / 3 % 128) * 0.07 + (i / 384) * 0.05) * 0.8f + (r.nextFloat() - 0.5f) * 0.2f;
        }
        OrtRunner.assertSameOutputs(fixed, free.toByteArray(), "input:0", x, new long[] {1, 128, 128, 3}, OUTPUTS, 1e-4);
        for (int[] size : new int[][] {{128, 96}, {96, 128}, {64, 32}}) {
            int w = size[0];
            int h = size[1];
            float[] part = java.util.Arrays.copyOf(x, w * h * 3);
            Map<String, float[]> c = OrtRunner.run(free.toByteArray(), "input:0", part, new long[] {1, h, w, 3},
                    Set.copyOf(OUTPUTS));
            int n8 = (w / 8) * (h / 8) * 2;
            int n16 = (w / 16) * (h / 16) * 6;
            assertEquals(n8, c.get("Identity:0").length, w + "x" + h);
            assertEquals(n16, c.get("Identity_1:0").length, w + "x" + h);
            assertEquals(n8 * 16, c.get("Identity_2:0").length, w + "x" + h);
            assertEquals(n16 * 16, c.get("Identity_3:0").length, w + "x" + h);
        }
    }

    /** The original file pads channels with ConstantOfShape of a fixed shape: freeing it would break, so it refuses. */
    @Test
    void refusesAGraphWhoseSizeIsBuiltIn() throws Exception {
        OnnxModelException e = assertThrows(OnnxModelException.class,
                () -> FreeInputSize.rewrite(OnnxModelFiles.parse(blazeFace())));
        assertTrue(e.getMessage().contains("ConstantOfShape"), e.getMessage());
    }
}
