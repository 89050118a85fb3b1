package io.zmqws.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encodings a gateway speaks, by subprotocol name, and the default one for clients
 * that name none.
 */
public final class ProtocolCodecs {

	private final Map<String, ProtocolCodec> bySubprotocol = new LinkedHashMap<>();

	private final ProtocolCodec defaultCodec;

	/**
	 * @param codecs the codecs, the default first
	 * @throws IllegalArgumentException when there are none or two share a subprotocol
	 */
	public ProtocolCodecs(List<? extends ProtocolCodec> codecs) {
		this(codecs, null);
	}

	/**
	 * @param codecs the codecs
	 * @param defaultSubprotocol the default's subprotocol; when no codec has it (or it is
	 * {@code null}) the first codec is the default
	 * @throws IllegalArgumentException when there are none or two share a subprotocol
	 */
	public ProtocolCodecs(List<? extends ProtocolCodec> codecs, String defaultSubprotocol) {
		if (codecs.isEmpty()) {
			throw new IllegalArgumentException("At least one protocol codec is required");
		}
		for (ProtocolCodec codec : codecs) {
			ProtocolCodec previous = this.bySubprotocol.putIfAbsent(codec.subprotocol(), codec);
			if (previous != null) {
				throw new IllegalArgumentException("Two codecs for subprotocol '" + codec.subprotocol() + "': "
						+ previous.getClass().getName() + " and " + codec.getClass().getName());
			}
		}
		ProtocolCodec preferred = find(defaultSubprotocol);
		this.defaultCodec = (preferred != null) ? preferred : codecs.get(0);
	}

	/** The codec for clients that ask for no subprotocol. */
	public ProtocolCodec defaultCodec() {
		return this.defaultCodec;
	}

	/** The codec for {@code subprotocol}, or {@code null} when there is none. */
	public ProtocolCodec find(String subprotocol) {
		return (subprotocol != null) ? this.bySubprotocol.get(subprotocol) : null;
	}

	/** The subprotocol names, the default first. */
	public List<String> subprotocols() {
		return List.copyOf(this.bySubprotocol.keySet());
	}

}
