/**
 * Embedded ZeroMQ services for the demo: a REP echo service, a PUB ticker and a PULL
 * collector, each on its own thread with its own socket.
 */
package io.zmqws.sample.demo;
