package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Values written as Hydra overrides, following Hydra's override grammar. */
class HydraArgsTest {
    @Test
    void simpleValuesArePlain() {
        assertThat(HydraArgs.override("lr", "0.01")).isEqualTo("lr=0.01");
        assertThat(HydraArgs.override("model.depth", "2")).isEqualTo("model.depth=2");
        assertThat(HydraArgs.override("opt", "adam")).isEqualTo("opt=adam");
        assertThat(HydraArgs.override("flag", "true")).isEqualTo("flag=true");
        assertThat(HydraArgs.override("flag", "false")).isEqualTo("flag=false");
        assertThat(HydraArgs.override("x", "null")).isEqualTo("x=null");
        assertThat(HydraArgs.override("path", "/data/a-b_c.txt")).isEqualTo("path=/data/a-b_c.txt");
        assertThat(HydraArgs.override("lr", "1e-3")).isEqualTo("lr=1e-3");
    }

    @Test
    void listsPassThroughWithTheirElementsFormatted() {
        assertThat(HydraArgs.override("layers", HydraArgs.list(List.of("1", "2"))))
                .isEqualTo("layers=[1,2]");
        assertThat(HydraArgs.list(List.of(HydraArgs.scalar("a b"), HydraArgs.scalar("c"))))
                .isEqualTo("['a b',c]");
    }

    @Test
    void valuesWithSpacesCommasQuotesOrEqualsAreSingleQuoted() {
        assertThat(HydraArgs.override("name", "hello world")).isEqualTo("name='hello world'");
        assertThat(HydraArgs.override("name", "a,b")).isEqualTo("name='a,b'");
        assertThat(HydraArgs.override("name", "k=v")).isEqualTo("name='k=v'");
        assertThat(HydraArgs.override("name", "it's")).isEqualTo("name='it\\'s'");
        assertThat(HydraArgs.override("name", "say \"hi\"")).isEqualTo("name='say \"hi\"'");
        assertThat(HydraArgs.override("name", "")).isEqualTo("name=''");
        assertThat(HydraArgs.override("name", " padded ")).isEqualTo("name=' padded '");
    }

    @Test
    void backslashesAreDoubledOnlyBeforeAQuoteOrTheEnd() {
        assertThat(HydraArgs.quote("C:\\dir\\")).isEqualTo("'C:\\dir\\\\'");
        assertThat(HydraArgs.quote("a\\'b")).isEqualTo("'a\\\\\\'b'");
        assertThat(HydraArgs.quote("a\\b")).isEqualTo("'a\\b'");
    }

    @Test
    void interpolationsAreEscaped() {
        assertThat(HydraArgs.override("x", "${oc.env:HOME}")).isEqualTo("x='\\${oc.env:HOME}'");
    }
}
