/** nota core module. */
package dev.nota.core;
