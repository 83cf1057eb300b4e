/**
 * OCI image layouts (directories, and tar archives of them) as a {@link dev.nota.oci.Target}, so that signing,
 * verification and copying work on local content exactly as on a registry. {@link
 * dev.nota.oci.layout.LayoutTarget} is the entry point; {@link dev.nota.oci.layout.LayoutReference} parses the CLI's
 * {@code <dir>:<tag>} and {@code <dir>@<digest>} references.
 */
package dev.nota.oci.layout;
