package io.zmqws.integration;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The smallest application using zmqws: everything comes from auto-configuration and
 * the test's properties.
 */
@SpringBootApplication
public class GatewayTestApplication {

}
