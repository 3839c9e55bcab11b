import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetSocketAddress;

/**
 * Temporal's time-skipping test server as its own `TestServer <port>` main runs it, but bound to 127.0.0.1:
 * that main listens on every interface, and tests here listen on the loopback address only.
 */
public final class LoopbackTestServer {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    // Time stands still until a client unlocks it (the SDK's `env.sleep`, a wait for a result), as in `TestServer`.
    boolean lockTimeSkipping = !(args.length > 1 && args[1].equalsIgnoreCase("--enable-time-skipping"));
    TestServicesStarter services = new TestServicesStarter(lockTimeSkipping, 0);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
    for (BindableService service : services.getServices()) builder.addService(service);
    builder.addService(new HealthStatusManager().getHealthService());
    Server server = builder.build().start();
    server.awaitTermination();
  }
}
