/**
 * Demo RPC services and server-to-browser sources of the sample: a calculator, a
 * notification service that calls the caller's browser back, and a clock publishing to
 * a path.
 */
package io.zmqws.sample.rpc;
