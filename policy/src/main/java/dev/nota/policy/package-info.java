/** nota policy module. */
package dev.nota.policy;
