package dev.vitlens.catalog;

import java.nio.file.Path;
import java.util.List;

/**
 * A completed import.
 *
 * @param id                 catalogue id (the folder name under the user models folder)
 * @param dir                the installed model folder
 * @param info               the installed model, as the catalogue will load it
 * @param source             the file or folder the model was imported from (never modified)
 * @param attentionsAdded    true when {@code attentions.i} outputs were added by graph surgery
 * @param externalDataFiles  external-data files copied along, relative to {@code dir}
 * @param smokeTest          summary of the test inference
 * @param warnings           things the user should know (defaults used, no attention maps, ...)
 */
public record ImportResult(String id, Path dir, ModelInfo info, Path source, boolean attentionsAdded,
                           List<String> externalDataFiles, String smokeTest, List<String> warnings) {
    public ImportResult {
        externalDataFiles = List.copyOf(externalDataFiles);
        warnings = List.copyOf(warnings);
    }
}
