package io.zmqws.client;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import io.zmqws.testsupport.RequiredTools;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Runs the JavaScript client's unit tests ({@code src/test/js/*.test.mjs}) with Node's
 * built-in test runner, {@code node --test}, and reports each Node test as a test of its
 * own, so they count in Surefire and a failure shows Node's message.
 * <p>
 * Needs {@code node} (Node.js 20 or later) on the {@code PATH}; without it the tests are
 * skipped, or fail when {@code ZMQWS_REQUIRE_TOOLS=true}. Nothing is downloaded: the
 * tests use only Node's own modules and a fake WebSocket.
 */
class JavaScriptClientNodeTests {

	private static final Path TESTS = Path.of("src", "test", "js");

	private static final long TIMEOUT_MINUTES = 5;

	@TestFactory
	Stream<DynamicNode> clientUnitTestsPassUnderNode() throws Exception {
		RequiredTools.require("node", () -> RequiredTools.run("node", "--version"),
				"install Node.js 20 or later, e.g. 'apt-get install -y nodejs'");
		List<String> files;
		try (Stream<Path> listing = Files.list(TESTS)) {
			files = listing.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".test.mjs"))
				.sorted()
				.toList();
		}
		Assertions.assertFalse(files.isEmpty(), "No *.test.mjs files in " + TESTS.toAbsolutePath());
		Path report = Files.createTempFile("zmqws-node-tests", ".xml");
		Path output = Files.createTempFile("zmqws-node-tests", ".txt");
		try {
			int exitCode = runNode(files, report, output);
			String console = Files.readString(output, StandardCharsets.UTF_8);
			List<DynamicNode> tests = new ArrayList<>();
			if (Files.size(report) > 0) {
				Element root = DocumentBuilderFactory.newInstance()
					.newDocumentBuilder()
					.parse(report.toFile())
					.getDocumentElement();
				tests.addAll(children(root));
			}
			tests.add(DynamicTest.dynamicTest("node --test exits with 0", () -> Assertions.assertEquals(0, exitCode,
					() -> "node --test " + String.join(" ", files) + " failed:\n" + console)));
			return tests.stream();
		}
		finally {
			Files.deleteIfExists(report);
			Files.deleteIfExists(output);
		}
	}

	private static int runNode(List<String> files, Path report, Path output) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=spec",
				"--test-reporter-destination=stdout", "--test-reporter=junit",
				"--test-reporter-destination=" + report.toAbsolutePath()));
		command.addAll(files);
		Process process = new ProcessBuilder(command).directory(TESTS.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.start();
		try {
			if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
				Assertions.fail("node --test did not finish within " + TIMEOUT_MINUTES + " minutes:\n"
						+ Files.readString(output, StandardCharsets.UTF_8));
			}
			return process.exitValue();
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static List<DynamicNode> children(Element parent) {
		List<DynamicNode> nodes = new ArrayList<>();
		for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
			if (child instanceof Element element) {
				if (element.getTagName().equals("testsuite")) {
					nodes.add(DynamicContainer.dynamicContainer(element.getAttribute("name"), children(element)));
				}
				else if (element.getTagName().equals("testcase")) {
					nodes.add(testCase(element));
				}
			}
		}
		return nodes;
	}

	private static DynamicTest testCase(Element testCase) {
		Element failure = firstChild(testCase, "failure");
		Element skipped = firstChild(testCase, "skipped");
		return DynamicTest.dynamicTest(testCase.getAttribute("name"), () -> {
			if (failure != null) {
				Assertions.fail(failure.getAttribute("message") + "\n" + failure.getTextContent().strip());
			}
			Assumptions.assumeTrue(skipped == null, () -> "Skipped by node: " + skipped.getAttribute("message"));
		});
	}

	private static Element firstChild(Element parent, String tag) {
		for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
			if (child instanceof Element element && element.getTagName().equals(tag)) {
				return element;
			}
		}
		return null;
	}

}
