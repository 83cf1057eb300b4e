/**
 * Copying artifacts with everything that refers to them, between registries and OCI layouts: the step that lets a
 * signature travel with its image through promotion and into air-gapped sites. {@link dev.nota.oci.copy.Copier} is
 * the entry point.
 */
package dev.nota.oci.copy;
