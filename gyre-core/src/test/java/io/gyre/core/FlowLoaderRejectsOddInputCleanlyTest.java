package io.gyre.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlowLoaderRejectsOddInputCleanlyTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "- a\n- b\n",
                "just text",
                "name: x\ntasks: [a, b]\n",
                "name: x\ntasks: {a: echo}\n",
                "name: x\ntasks: {a: {run: [x]}}\n",
                "name: x\ntasks: {a: {run: echo, retries: 99999999999999999999999}}\n",
                "name: x\ntasks: {a: {run: echo, timeout: 99999999999999999d}}\n",
                "name: x\ntasks: {a: {run: echo, resources: {memory: 99999999999T}}}\n",
                "name: x\ntasks: {? [a] : {run: echo}}\n",
                "name: x\nparams: [a]\ntasks: {a: {run: echo}}\n",
                "name: x\nparams: {n: {type: list, default: {a: 1}}}\ntasks: {a: {run: echo}}\n",
                "name: &n x\ntasks: {a: {run: *n, needs: *n}}\n",
                "name: x\ntasks: {a: {run: echo, needs: [{b: c}]}}\n",
                "name: x\n---\nname: y\n",
                "name: x\ntasks: {a: {run: echo}}\n\ttabs: 1\n",
                "name: ../../etc\ntasks: {a: {run: echo, queue: '../q'}}\n",
            })
    void oddInputIsAListOfProblems(String yaml) {
        assertThatThrownBy(() -> FlowLoader.parse(yaml, "odd.yaml")).isInstanceOf(InvalidFlowException.class);
    }
}
