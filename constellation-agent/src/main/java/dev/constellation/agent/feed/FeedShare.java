package dev.constellation.agent.feed;

/**
 * Which rows of a {@code unique} feeder belong to one agent: the run's virtual users are numbered
 * 0 to {@code total - 1} over every region and agent (in the plan's region order, then agent
 * order); this agent owns the slots {@code first} to {@code first + count - 1}, and row {@code i}
 * of a file (from 0, header excluded) belongs to the agent owning slot {@code i mod total}. So the
 * shares of all agents are disjoint and together cover the file, and each agent's share is in
 * proportion to its VUs, with no coordination at run time.
 *
 * @param first the agent's first slot
 * @param count the agent's slots (its VUs), 1 or more
 * @param total every VU of the run, at least {@code first + count}
 */
public record FeedShare(long first, long count, long total) {

  public FeedShare {
    if (first < 0 || count < 1 || total < first + count) {
      throw new IllegalArgumentException("feed share " + first + "+" + count + "/" + total
          + " does not fit: the slots first .. first + count - 1 must lie within 0 .. total - 1");
    }
  }

  /**
   * The share of an agent alone in its run: every row.
   *
   * @param vus the agent's VUs
   * @return the share
   */
  public static FeedShare alone(int vus) {
    return new FeedShare(0, Math.max(1, vus), Math.max(1, vus));
  }

  /**
   * Parses the agent's {@code --feedShare} value, {@code first:count/total}.
   *
   * @param text the value
   * @param name how the caller names the setting, for messages
   * @return the share
   * @throws IllegalArgumentException naming the setting, the value and the form
   */
  public static FeedShare parse(String text, String name) {
    try {
      int colon = text.indexOf(':');
      int slash = text.indexOf('/');
      if (colon < 0 || slash < colon) {
        throw new NumberFormatException();
      }
      return new FeedShare(Long.parseLong(text.substring(0, colon).trim()), Long.parseLong(text.substring(colon + 1, slash).trim()),
          Long.parseLong(text.substring(slash + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is \"" + text + "\"; write first:count/total, e.g. 40:20/60 (slots 40 to 59 of 60 VUs)");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is \"" + text + "\": " + e.getMessage());
    }
  }

  /**
   * Whether row {@code row} (from 0) belongs to this share.
   *
   * @param row the row's index in the file
   * @return true when this agent owns it
   */
  public boolean owns(long row) {
    long slot = row % total;
    return slot >= first && slot < first + count;
  }

  /**
   * How many of {@code rows} rows belong to this share.
   *
   * @param rows rows in the file
   * @return this agent's rows
   */
  public long rowsOf(long rows) {
    long full = rows / total;
    long rest = rows % total;
    return full * count + Math.max(0, Math.min(rest, first + count) - first);
  }

  /** The value of {@code --feedShare}: {@code first:count/total}. */
  @Override
  public String toString() {
    return first + ":" + count + "/" + total;
  }
}
