package dev.vitlens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The message printed when the GUI cannot start names the fix for the causes seen on real machines. */
class LauncherMessageTest {

    @Test
    void aMissingGtkLibraryNamesThePackageToInstall() {
        // The exact text JavaFX 21 gives on a Debian machine without libgtk-3-0.
        String message = Launcher.guiFailureMessage("Unable to load glass GTK library.");
        assertTrue(message.startsWith("error: cannot open the GUI: Unable to load glass GTK library."), message);
        assertTrue(message.contains("sudo apt install libgtk-3-0"), message);
        assertTrue(message.endsWith("java -jar vitlens.jar --help"), message);
    }

    @Test
    void anotherCauseGetsNoGtkAdvice() {
        String message = Launcher.guiFailureMessage("Unable to open DISPLAY");
        assertFalse(message.contains("libgtk"), message);
        assertEquals("error: cannot open the GUI: Unable to open DISPLAY"
                + "\nThe command line works without a display: java -jar vitlens.jar --help", message);
    }
}
