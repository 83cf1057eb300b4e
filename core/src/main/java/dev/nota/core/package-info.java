/**
 * nota's workflows: signing a descriptor into a pushed signature, and verifying every signature of a target against a
 * trust policy. Subpackages hold the envelope formats, certificate rules, signing keys and the workflows themselves.
 */
package dev.nota.core;
