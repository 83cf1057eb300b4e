/**
 * nota as a host for Notary Project (notation) plugins, contract version 1.0: executables named
 * {@code notation-<name>} in {@code <config>/plugins/<name>/}, run once per command with a JSON request on standard
 * input and a JSON response on standard output. Signing plugins either sign raw bytes ({@code generate-signature},
 * nota builds the envelope) or build the whole envelope ({@code generate-envelope}); verification plugins take over
 * trusted-identity and revocation checks for envelopes that name them. Every answer is checked before it is used.
 */
package dev.nota.core.plugin;
