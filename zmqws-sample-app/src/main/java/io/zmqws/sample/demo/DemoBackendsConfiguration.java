package io.zmqws.sample.demo;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the {@link DemoBackends} unless {@code demo.backends.enabled} is {@code false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "demo.backends.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DemoProperties.class)
public class DemoBackendsConfiguration {

	@Bean
	DemoBackends demoBackends(DemoProperties properties) {
		return new DemoBackends(properties);
	}

}
