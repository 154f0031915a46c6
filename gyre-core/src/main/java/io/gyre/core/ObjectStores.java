package io.gyre.core;

import io.gyre.api.ObjectStore;
import java.nio.file.Path;

/** Factories for the object stores that live in this module. */
public final class ObjectStores {
    private ObjectStores() {}

    /**
     * A store of plain files under {@code root} (created if missing): key {@code a/b.parquet} is the file
     * {@code root/a/b.parquet}, so the run directory stays readable with ordinary tools. A put writes a hidden
     * temporary file beside the target and renames it into place atomically.
     */
    public static ObjectStore directory(Path root) {
        return new DirectoryObjectStore(root);
    }
}
