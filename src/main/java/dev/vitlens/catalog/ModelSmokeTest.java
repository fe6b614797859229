package dev.vitlens.catalog;

/**
 * Runs one inference on a synthetic input to prove an imported model actually executes. Implemented by the
 * inference layer (the catalogue does not depend on the engine); an import is rejected when it throws.
 */
@FunctionalInterface
public interface ModelSmokeTest {
    /**
     * @param model the validated candidate, still in its temporary folder
     * @return a one-line summary for the import report (e.g. output shapes and time)
     * @throws Exception with a user-readable message when the model cannot run or its outputs are unusable
     */
    String run(ModelInfo model) throws Exception;
}
