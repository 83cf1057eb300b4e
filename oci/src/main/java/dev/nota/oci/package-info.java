/**
 * The OCI vocabulary nota works in: references, digests, descriptors, manifests and indexes as immutable records,
 * and {@link dev.nota.oci.Target}, the one storage seam that a registry repository and an OCI image layout both
 * implement. Names follow the OCI image and distribution specs.
 */
package dev.nota.oci;
