/**
 * Auto-configuration for zmqws: properties, conditions and wiring. Nothing imports this
 * package.
 */
package io.zmqws.autoconfigure;
