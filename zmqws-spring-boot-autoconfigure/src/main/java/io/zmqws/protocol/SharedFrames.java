package io.zmqws.protocol;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * The frames of one published message, shared by every client it goes to, with a memo in
 * which each codec keeps what it made of them: delivered to N clients, the frames are
 * encoded once per codec and only the per-client part (such as the {@code sid}) N times.
 * <p>
 * The list is read-only and must not change after it is shared. Codecs that do not use
 * the memo read it as any other list of frames.
 */
public final class SharedFrames extends AbstractList<byte[]> implements RandomAccess {

	private final List<byte[]> frames;

	private volatile Memo memo;

	/** Shares {@code frames}, which nobody may change from now on. */
	public SharedFrames(List<byte[]> frames) {
		this.frames = frames;
	}

	@Override
	public byte[] get(int index) {
		return this.frames.get(index);
	}

	@Override
	public int size() {
		return this.frames.size();
	}

	/**
	 * What {@code compute} makes of these frames, computed once per {@code key} (a codec
	 * uses itself or a constant of its own) and kept as long as the frames are. Threads
	 * asking at the same time for a key not yet computed may each compute it; all then
	 * get the first value kept. {@code compute} must not return {@code null}.
	 */
	public <T> T memo(Object key, Function<? super List<byte[]>, ? extends T> compute) {
		Object found = find(this.memo, key);
		if (found != null) {
			return cast(found);
		}
		T computed = Objects.requireNonNull(compute.apply(this), "computed memo");
		synchronized (this) {
			Memo head = this.memo;
			found = find(head, key);
			if (found != null) {
				return cast(found);
			}
			this.memo = new Memo(key, computed, head);
			return computed;
		}
	}

	private static Object find(Memo memo, Object key) {
		for (Memo candidate = memo; candidate != null; candidate = candidate.next()) {
			if (candidate.key() == key) {
				return candidate.value();
			}
		}
		return null;
	}

	@SuppressWarnings("unchecked")
	private static <T> T cast(Object value) {
		return (T) value;
	}

	private record Memo(Object key, Object value, Memo next) {
	}

}
