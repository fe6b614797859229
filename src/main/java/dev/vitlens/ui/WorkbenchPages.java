package dev.vitlens.ui;

import java.util.List;
import java.util.function.Function;

/** The main window's pages, one line each, in tab order (the first is selected at start). */
public final class WorkbenchPages {

    private WorkbenchPages() {
    }

    public static final List<Function<PageContext, WorkbenchPage>> ALL = List.of(
            ImagesPage::new,
            TeachPage::new,
            LivePage::new,
            FewShotPage::new);
}
