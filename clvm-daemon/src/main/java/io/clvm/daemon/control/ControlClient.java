package io.clvm.daemon.control;

import io.clvm.cluster.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The CLI's side of the control socket: one request, one response, one connection. */
public final class ControlClient {
  private ControlClient() {}

  public static ControlResponse send(Path socket, ControlRequest request) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        throw new IOException(
            "cannot connect to clvmd at " + socket + " (is the daemon running?): " + e.getMessage(),
            e);
      }
      byte[] line = Json.write(request);
      ByteBuffer out = ByteBuffer.allocate(line.length + 1).put(line).put((byte) '\n').flip();
      try {
        while (out.hasRemaining()) {
          ch.write(out);
        }
        ch.shutdownOutput();
      } catch (IOException e) {
        // The daemon answered early (refused, busy, too large) and stopped reading: its answer
        // is still there to read.
      }
      InputStream in = Channels.newInputStream(ch);
      byte[] answer;
      try {
        answer = in.readAllBytes();
      } catch (IOException e) {
        throw new NoAnswerException(socket, e.getMessage());
      }
      if (answer.length == 0) {
        throw new NoAnswerException(socket, "the connection was closed");
      }
      try {
        return Json.read(answer, ControlResponse.class);
      } catch (IOException e) {
        throw new NoAnswerException(socket, "the answer is not a response: " + e.getMessage());
      }
    }
  }

  /**
   * The request was sent but no answer came back (the daemon died, or dropped the connection):
   * unlike a failed connect, the command may or may not have run.
   */
  public static final class NoAnswerException extends IOException {
    private static final long serialVersionUID = 1L;

    NoAnswerException(Path socket, String why) {
      super(
          "clvmd at "
              + socket
              + " did not answer ("
              + why
              + "): the command may or may not have run; check before repeating it");
    }
  }
}
