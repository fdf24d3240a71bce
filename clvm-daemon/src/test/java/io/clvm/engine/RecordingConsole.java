package io.clvm.engine;

import java.util.ArrayList;
import java.util.List;

/** A console that keeps what a command said, and answers questions as told. */
final class RecordingConsole implements Console {
  final List<String> out = new ArrayList<>();
  final List<String> err = new ArrayList<>();
  final StringBuilder report = new StringBuilder();
  boolean answer;

  @Override
  public void print(String message) {
    out.add(message);
  }

  @Override
  public void report(String text) {
    report.append(text);
  }

  @Override
  public void warn(String message) {
    err.add("WARNING: " + message);
  }

  @Override
  public void error(String message) {
    err.add(message);
  }

  @Override
  public boolean confirm(String question) {
    out.add(question + " [y/n]: " + (answer ? "y" : "n"));
    return answer;
  }

  void clear() {
    out.clear();
    err.clear();
    report.setLength(0);
  }
}
