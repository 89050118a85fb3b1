package io.zmqws.session;

import java.util.function.Supplier;

/**
 * A value created on first use, such as a map of things most connections never have:
 * until then it costs a connection one small object instead of an empty collection.
 */
final class OnFirstUse<T> {

	private final Supplier<T> create;

	private volatile T value;

	OnFirstUse(Supplier<T> create) {
		this.create = create;
	}

	/** The value, created now if this is its first use. */
	T get() {
		T current = this.value;
		if (current == null) {
			synchronized (this) {
				current = this.value;
				if (current == null) {
					current = this.create.get();
					this.value = current;
				}
			}
		}
		return current;
	}

	/** The value, or {@code null} if nothing used it yet. */
	T ifCreated() {
		return this.value;
	}

}
