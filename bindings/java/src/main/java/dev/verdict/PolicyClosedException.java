package dev.verdict;

/** A {@link Policy} was used after {@link Policy#close()}. */
public final class PolicyClosedException extends IllegalStateException {
    PolicyClosedException(String folder) {
        super("the policy set loaded from " + folder + " has been closed: load it again to decide with it");
    }
}
