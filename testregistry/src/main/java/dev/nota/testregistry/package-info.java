/** nota testregistry module. */
package dev.nota.testregistry;
