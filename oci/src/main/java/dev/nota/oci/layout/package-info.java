/**
 * OCI image layouts (directories, and tar or gzip-compressed tar archives of them, also read from a stream) as a
 * {@link dev.nota.oci.Target}, so that signing, verification and copying work on local content exactly as on a
 * registry. {@link dev.nota.oci.layout.LayoutTarget} is the entry point; {@link dev.nota.oci.layout.LayoutReference}
 * parses the CLI's {@code <path>:<tag>} and {@code <path>@<digest>} references ({@code -} for standard input).
 */
package dev.nota.oci.layout;
