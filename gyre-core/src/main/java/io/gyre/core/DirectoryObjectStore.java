package io.gyre.core;

import io.gyre.api.GyreException;
import io.gyre.api.NotFoundException;
import io.gyre.api.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * {@link ObjectStore} over a local directory. Atomicity comes from the file system: the bytes go to a hidden
 * file ({@code .NAME.N.tmp}, which no key can name, since key segments never start with '.') in the target's
 * directory and are renamed over the target with {@code ATOMIC_MOVE}. Listing skips hidden files, so a put in
 * progress, or one a crash interrupted, never shows up as a key.
 */
final class DirectoryObjectStore implements ObjectStore {

    private final Path root;

    DirectoryObjectStore(Path root) {
        try {
            this.root = Files.createDirectories(root).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new GyreException("cannot create the object store directory " + root + ": " + e.getMessage(), e);
        }
    }

    private Path file(String key) {
        Path p = root.resolve(ObjectStore.checkKey(key)).normalize();
        if (!p.startsWith(root)) { // checkKey already rules this out; this is the belt to its braces
            throw new GyreException("object key '" + key + "' resolves outside " + root);
        }
        return p;
    }

    @Override
    public void put(String key, byte[] bytes) {
        Path target = file(key);
        publish(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(bytes);
            }
        });
    }

    @Override
    public void put(String key, Path source) {
        Path target = file(key);
        publish(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    private interface Writer {
        void write(Path tmp) throws IOException;
    }

    private void publish(Path target, Writer writer) {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new GyreException(
                        "the file system under " + root + " cannot rename atomically; put the"
                                + " object store on a local or POSIX file system",
                        e);
            }
        } catch (IOException e) {
            throw new GyreException("cannot store " + root.relativize(target) + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the hidden temporary is invisible to readers; a later sweep may remove it
            }
        }
    }

    @Override
    public byte[] get(String key) {
        try {
            return Files.readAllBytes(file(key));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("object '" + key + "'");
        } catch (IOException e) {
            throw new GyreException("cannot read object '" + key + "': " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return Files.newInputStream(file(key));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("object '" + key + "'");
        } catch (IOException e) {
            throw new GyreException("cannot read object '" + key + "': " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(file(key));
    }

    @Override
    public long size(String key) {
        try {
            return Files.size(file(key));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("object '" + key + "'");
        } catch (IOException e) {
            throw new GyreException("cannot read object '" + key + "': " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        ObjectStore.checkPrefix(prefix);
        // Walk only the deepest directory the prefix names in full.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(start) && dir.getFileName().toString().startsWith(".")
                            ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !f.getFileName().toString().startsWith(".")) {
                        String key = root.relativize(f)
                                .toString()
                                .replace(f.getFileSystem().getSeparator(), "/");
                        if (key.startsWith(prefix)) {
                            keys.add(key);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // removed while walking
                }
            });
        } catch (IOException e) {
            throw new GyreException("cannot list " + start + ": " + e.getMessage(), e);
        }
        Collections.sort(keys);
        return keys;
    }

    @Override
    public boolean delete(String key) {
        try {
            return Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw new GyreException("cannot delete object '" + key + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "ObjectStores.directory(" + root + ")";
    }
}
