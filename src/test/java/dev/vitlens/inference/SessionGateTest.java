package dev.vitlens.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gate in front of a native session: close never frees it under a call, never waits, and releases once. */
@Timeout(60)
class SessionGateTest {
    private final AtomicInteger released = new AtomicInteger();
    private final SessionGate gate = new SessionGate("model tiny", released::incrementAndGet);

    @AfterEach
    void reopen() {
        SessionGate.resumeAfterDrainForTests();
    }

    @Test
    void closingAnIdleSessionReleasesItAtOnceAndLaterCallsFailClearly() throws Exception {
        gate.enter();
        gate.leave();
        assertEquals(0, released.get());
        gate.close();
        assertEquals(1, released.get());
        InferenceException e = assertThrows(InferenceException.class, gate::enter);
        assertEquals("model tiny was closed", e.getMessage());
        gate.close();
        assertEquals(1, released.get(), "idempotent");
    }

    @Test
    void closingWhileCallsAreInsideReturnsAtOnceAndTheLastCallOutReleases() throws Exception {
        gate.enter();
        gate.enter();
        gate.close(); // on this very thread, with two calls inside: waiting here would never end
        assertEquals(0, released.get(), "not released under the calls inside");
        assertThrows(InferenceException.class, gate::enter, "no new call after the close");
        gate.leave();
        assertEquals(0, released.get());
        gate.leave();
        assertEquals(1, released.get(), "released by the last call out");
        gate.close();
        assertEquals(1, released.get());
    }

    @Test
    void theExitDrainRefusesNewCallsAndWaitsForTheOnesInside() throws Exception {
        SessionGate other = new SessionGate("graph", () -> { });
        gate.enter();
        assertFalse(SessionGate.drainForExit(Duration.ofMillis(20)), "a call is still inside");
        InferenceException e = assertThrows(InferenceException.class, other::enter);
        assertEquals("graph was not run: ViTLens is exiting", e.getMessage());

        AtomicBoolean left = new AtomicBoolean();
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            boolean none = SessionGate.drainForExit(Duration.ofSeconds(50));
            return none && left.get();
        });
        gate.close(); // the release comes with the last call out, which the drain also waits for
        left.set(true);
        gate.leave();
        assertTrue(drained.get(50, TimeUnit.SECONDS), "the drain returned after the call left, with none inside");
        assertEquals(1, released.get());
    }
}
