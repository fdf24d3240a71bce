package io.clvm.cli;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;

/**
 * clvmd's command parsers, built once and reused. Building a command's picocli parser reflects over
 * every annotated field of the command and its mixins; for each forwarded command that was 10 % of
 * clvmd's CPU (BENCHMARKS.md section 7), far more than parsing the line.
 *
 * <p>A {@link CommandLine} keeps the state of its last parse in the command object, so each one
 * serves one command at a time: borrowed, then given back. picocli puts every option, positional
 * parameter, mixin and argument group back to its initial value at the start of each parse, so
 * nothing of one command line reaches the next (tested in {@code ParsersTest}, for every option of
 * every pooled command). Only lvm2's commands ({@link LvmCommand}) are pooled: their one other
 * field is the {@link Session}, bound for each use. {@code clvm cluster ...}, {@code help} and the
 * like are built per use, as outside clvmd.
 */
public final class Parsers {
  private final Map<Class<?>, Deque<CommandLine>> idle = new ConcurrentHashMap<>();

  /**
   * Per pooled parser, the initial value of each of its command's argument groups. picocli resets
   * the options inside a group, but leaves the group's object where an earlier line created it (a
   * group that was null before {@code lvcreate -L 4M} stays an empty object): put back before each
   * use, so that a command sees exactly what a new parser would give it.
   */
  private final Map<CommandLine, List<Object>> groups = new ConcurrentHashMap<>();

  /** Whether commands of {@code cls} are pooled. */
  static boolean pools(Class<?> cls) {
    return cls != null && LvmCommand.class.isAssignableFrom(cls);
  }

  /** A parser for {@code cls} (see {@link #pools}), its command bound to {@code session}. */
  CommandLine borrow(Class<?> cls, Session session) {
    Deque<CommandLine> free = idle.get(cls);
    CommandLine cl = free == null ? null : free.pollFirst();
    if (cl == null) {
      cl = Main.newCommandLine(cls, null); // no session: the command gets one per use
      List<Object> initial = new ArrayList<>();
      for (ArgGroupSpec g : cl.getCommandSpec().argGroups()) {
        initial.add(get(g));
      }
      groups.put(cl, initial);
    } else {
      List<ArgGroupSpec> specs = cl.getCommandSpec().argGroups();
      List<Object> initial = groups.get(cl);
      for (int i = 0; i < specs.size(); i++) {
        set(specs.get(i), initial.get(i));
      }
    }
    ((LvmCommand) cl.getCommand()).bind(session);
    return cl;
  }

  private static Object get(ArgGroupSpec g) {
    try {
      return g.getter().get();
    } catch (Exception e) {
      throw new IllegalStateException("argument group " + g, e);
    }
  }

  private static void set(ArgGroupSpec g, Object value) {
    try {
      g.setter().set(value);
    } catch (Exception e) {
      throw new IllegalStateException("argument group " + g, e);
    }
  }

  /** Gives back a parser of {@link #borrow} once its command has finished. */
  void giveBack(CommandLine cl) {
    ((LvmCommand) cl.getCommand()).bind(null); // the request's streams are not kept
    idle.computeIfAbsent(cl.getCommand().getClass(), k -> new ConcurrentLinkedDeque<>())
        .addFirst(cl);
  }

  /** Parsers ready for reuse (tests). */
  int idle() {
    return idle.values().stream().mapToInt(Deque::size).sum();
  }
}
