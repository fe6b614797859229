package dev.vitlens.fewshot;

import java.util.List;
import java.util.Objects;

/** A class to teach: its name (the new model's label) and its example images. */
public record ClassExamples(String name, List<Example> examples) {
    public ClassExamples {
        Objects.requireNonNull(name);
        examples = List.copyOf(examples);
    }
}
