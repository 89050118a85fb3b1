/**
 * The zmqws sample application.
 */
package io.zmqws.sample;
