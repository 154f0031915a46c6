package io.gyre.cli;

import picocli.CommandLine.IVersionProvider;

final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"gyre " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
