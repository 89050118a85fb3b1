package io.zmqws.session;

/**
 * What a connection's outbound queue does when the client reads too slowly to keep it
 * below its capacity.
 */
public enum OverflowPolicy {

	/**
	 * Drop the oldest published message still queued and count it; the next delivered
	 * message reports the count. Replies and errors are never dropped: if only they fill
	 * the queue, the connection is closed with 1008.
	 */
	DROP_OLDEST,

	/** Close the connection with 1008. */
	CLOSE

}
