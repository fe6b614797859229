package dev.vitlens.onnx;

import java.util.OptionalInt;

/**
 * The Softmax node that produces one encoder layer's attention probabilities {@code [batch, heads, T, T]}.
 *
 * @param layer      0-based layer, from the graph's data-flow order
 * @param nodeName   the Softmax node's name (may be empty in hand-made graphs)
 * @param outputName the value holding the probabilities
 * @param nameIndex  the layer index written in the node name ({@code layer.3}, {@code blocks.3}), if any
 */
public record AttentionSoftmax(int layer, String nodeName, String outputName, OptionalInt nameIndex) { }
