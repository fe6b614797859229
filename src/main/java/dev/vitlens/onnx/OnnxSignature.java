package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The inputs and outputs (names, element types, shapes) of an ONNX graph, read by streaming the protobuf and
 * skipping everything else, so weights are never held in memory just to inspect a model.
 */
public record OnnxSignature(List<TensorInfo> inputs, List<TensorInfo> outputs) {

    /** Symbolic or unknown dimension. */
    public static final long DYNAMIC = -1;

    /** One graph input/output. {@code dims[i] == DYNAMIC} for symbolic dimensions such as "batch". */
    public record TensorInfo(String name, int elementType, long[] dims) {
        public int rank() {
            return dims.length;
        }

        public long dim(int i) {
            return dims[i];
        }

        public boolean isFloat() {
            return elementType == OnnxMl.TensorProto.DataType.FLOAT_VALUE;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(name).append('[');
            for (int i = 0; i < dims.length; i++) {
                sb.append(i > 0 ? "," : "").append(dims[i] == DYNAMIC ? "?" : String.valueOf(dims[i]));
            }
            return sb.append(']').toString();
        }
    }

    public OnnxSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public Optional<TensorInfo> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<TensorInfo> output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Number of consecutive {@code attentions.0 .. attentions.{n-1}} outputs. */
    public int attentionOutputs() {
        int n = 0;
        while (output("attentions." + n).isPresent()) {
            n++;
        }
        return n;
    }

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;

    public static OnnxSignature read(Path modelFile) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(modelFile), 1 << 16)) {
            return read(in);
        }
    }

    public static OnnxSignature read(InputStream in) throws IOException {
        CodedInputStream cis = CodedInputStream.newInstance(in);
        cis.setSizeLimit(Integer.MAX_VALUE);
        List<TensorInfo> inputs = new ArrayList<>();
        List<TensorInfo> outputs = new ArrayList<>();
        boolean sawGraph = false;
        while (true) {
            int tag = cis.readTag();
            if (tag == 0) {
                break;
            }
            if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                sawGraph = true;
                int length = cis.readRawVarint32();
                int oldLimit = cis.pushLimit(length);
                readGraph(cis, inputs, outputs);
                cis.popLimit(oldLimit);
            } else if (!cis.skipField(tag)) {
                break;
            }
        }
        if (!sawGraph) {
            throw new IOException("not an ONNX model (no graph found)");
        }
        return new OnnxSignature(inputs, outputs);
    }

    private static void readGraph(CodedInputStream cis, List<TensorInfo> inputs, List<TensorInfo> outputs)
            throws IOException {
        while (true) {
            int tag = cis.readTag();
            if (tag == 0) {
                return;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if ((field == GRAPH_INPUT || field == GRAPH_OUTPUT)
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                TensorInfo info = toInfo(OnnxMl.ValueInfoProto.parseFrom(cis.readBytes()));
                (field == GRAPH_INPUT ? inputs : outputs).add(info);
            } else if (!cis.skipField(tag)) {
                return;
            }
        }
    }

    private static TensorInfo toInfo(OnnxMl.ValueInfoProto vi) {
        OnnxMl.TypeProto.Tensor t = vi.getType().getTensorType();
        long[] dims = new long[t.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : DYNAMIC;
        }
        return new TensorInfo(vi.getName(), t.getElemType(), dims);
    }
}
