/** RFC 3161 timestamps: verifying a countersignature token and saying what time it proves. */
package dev.nota.core.timestamp;
