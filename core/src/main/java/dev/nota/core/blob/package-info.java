/**
 * Detached signatures of files ("blobs"), as {@code notation blob} makes them: the envelope signs a descriptor of the
 * file and is written beside it as {@code <file>.<jws|cose>.sig}; verification uses {@code trustpolicy.blob.json}.
 * {@link dev.nota.core.blob.BlobSignatures} is the entry point.
 */
package dev.nota.core.blob;
