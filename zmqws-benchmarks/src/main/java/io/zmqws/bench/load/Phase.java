package io.zmqws.bench.load;

/** Where a run is: results are recorded only while {@link #MEASURE}. */
public enum Phase {

	WARMUP, MEASURE, DRAIN

}
