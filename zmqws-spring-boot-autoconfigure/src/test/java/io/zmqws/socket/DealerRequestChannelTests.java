package io.zmqws.socket;

import org.zeromq.ZMQ;

/**
 * {@link RequestChannelTests} for the JeroMQ DEALER.
 */
class DealerRequestChannelTests extends RequestChannelTests {

	@Override
	protected RequestChannel create(EndpointDefinition definition, ZMQ.Context context) {
		return new DealerRequestChannel(definition, context);
	}

}
