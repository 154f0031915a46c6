package io.gyre.core;

import io.gyre.api.StateStore;
import io.gyre.testkit.ManualClock;
import io.gyre.testkit.MembershipContract;

class InMemoryMembershipTest extends MembershipContract {
    @Override
    protected StateStore newStore(ManualClock clock) {
        return Stores.inMemory(clock);
    }
}
