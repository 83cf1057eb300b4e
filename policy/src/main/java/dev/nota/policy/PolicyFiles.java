package dev.nota.policy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Reads policy files the way notation does: a regular file, never a symlink or directory. */
final class PolicyFiles {
  static final String LINK = "https://notaryproject.dev/docs/quickstart/#create-a-trust-policy";
  /** Far more than any real policy; stops a mistaken path (a disk image, say) from being read whole. */
  private static final long MAX_SIZE = 16L * 1024 * 1024;

  private PolicyFiles() {}

  /** True when something (even a dangling symlink) exists at {@code file}. */
  static boolean exists(Path file) {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
  }

  static byte[] read(Path file) throws PolicyException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new PolicyException("trust policy is not present: " + file + " does not exist. To create a trust"
          + " policy, see: " + LINK);
    } catch (IOException e) {
      throw new PolicyException("unable to read trust policy " + file + ": " + e.getMessage(), e);
    }
    if (!attributes.isRegularFile()) {
      throw new PolicyException("trust policy " + file + " is not a regular file (symlinks are not supported). To"
          + " create a trust policy, see: " + LINK);
    }
    if (attributes.size() > MAX_SIZE) {
      throw new PolicyException("trust policy " + file + " is too large (" + attributes.size() + " bytes)");
    }
    try {
      return Files.readAllBytes(file);
    } catch (AccessDeniedException e) {
      throw new PolicyException("unable to read trust policy due to file permissions, please verify the"
          + " permissions of " + file, e);
    } catch (IOException e) {
      throw new PolicyException("unable to read trust policy " + file + ": " + e.getMessage(), e);
    }
  }
}
