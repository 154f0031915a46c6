package io.gyre.core;

import io.gyre.api.ClusterRegistry;
import io.gyre.testkit.ClusterRegistryContract;
import io.gyre.testkit.ManualClock;

class InMemoryRegistryTest extends ClusterRegistryContract {
    @Override
    protected ClusterRegistry newRegistry(ManualClock clock) {
        return Stores.inMemoryRegistry();
    }
}
