package dev.vitlens.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class BigStackTest {

    @Test
    void runsTheBodyOnANamedThreadAndReturnsItsValue() throws Exception {
        assertEquals("vitlens-test", BigStack.call("vitlens-test", () -> Thread.currentThread().getName()));
    }

    @Test
    void theBodyHasRoomForDeepRecursion() throws Exception {
        // The default 1 MB stack overflows after about 10k frames of depth(); ORT's first initialisation dies there.
        assertEquals(50_000, BigStack.call("vitlens-deep", () -> depth(50_000)));
    }

    @Test
    void commandBodiesGetTheirOwnExceptionBack() {
        IOException thrown = new IOException("disk gone");
        assertSame(thrown, assertThrows(IOException.class, () -> BigStack.call("vitlens-test", () -> {
            throw thrown;
        })));
    }

    @Test
    void typedCallsPassTheExpectedTypeAndWrapOtherCheckedExceptions() {
        ModelLoadException expected = new ModelLoadException("no such model");
        assertSame(expected, assertThrows(ModelLoadException.class,
                () -> BigStack.call("vitlens-test", ModelLoadException.class, () -> {
                    throw expected;
                })));
        IOException other = new IOException("other");
        IllegalStateException wrapped = assertThrows(IllegalStateException.class,
                () -> BigStack.call("vitlens-test", ModelLoadException.class, () -> {
                    throw other;
                }));
        assertSame(other, wrapped.getCause());
    }

    @Test
    void anInterruptWhileWaitingLetsTheWorkFinishAndKeepsTheFlag() throws Exception {
        Thread.currentThread().interrupt();
        try {
            assertEquals("done", BigStack.call("vitlens-test", () -> {
                Thread.sleep(50);
                return "done";
            }));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    private static int depth(int n) {
        return n == 0 ? 0 : 1 + depth(n - 1);
    }
}
