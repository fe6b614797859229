package dev.vitlens.inference;

/**
 * How to run a model.
 *
 * @param device         auto, cpu or cuda
 * @param intraOpThreads threads inside one operator (default: available processors)
 * @param interOpThreads threads across independent operators (default 1: ViTs are a sequential chain)
 */
public record RunnerOptions(Device device, int intraOpThreads, int interOpThreads) {

    public RunnerOptions {
        if (intraOpThreads < 1 || interOpThreads < 1) {
            throw new IllegalArgumentException("thread counts must be at least 1");
        }
    }

    public static RunnerOptions defaults() {
        return new RunnerOptions(Device.AUTO, Runtime.getRuntime().availableProcessors(), 1);
    }

    public static RunnerOptions on(Device device) {
        return defaults().withDevice(device);
    }

    public RunnerOptions withDevice(Device d) {
        return new RunnerOptions(d, intraOpThreads, interOpThreads);
    }

    public RunnerOptions withThreads(int intra, int inter) {
        return new RunnerOptions(device, intra, inter);
    }
}
