package io.zmqws.sample.rpc;

import java.security.Principal;

import io.zmqws.rpc.ZmqRpc;
import io.zmqws.rpc.ZmqRpcException;

import org.springframework.stereotype.Component;

/**
 * Trading, which only users with the TRADER role may reach ({@code application.yml}
 * declares it): alice places orders, bob is refused with {@code forbidden}.
 */
@Component
@ZmqRpc("trading")
public class TradingService {

	/** Accepts an order and says who placed it. */
	public String placeOrder(String symbol, int quantity, Principal trader) {
		if (quantity <= 0) {
			throw new ZmqRpcException("invalid_quantity", "The quantity must be positive");
		}
		return trader.getName() + " bought " + quantity + " " + symbol;
	}

}
