package io.zmqws.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runnable demo of zmqws: the gateway at {@code /zmqws}, a page at {@code /} that talks to
 * it, and embedded ZeroMQ demo backends behind the {@code echo}, {@code ticker} and
 * {@code events} endpoints.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
