/*
 * DynamoDB Local, listening on the loopback interface only.
 *
 * DynamoDBLocal.jar has no option for the address it listens on: its Jetty server binds every
 * interface, so anyone who can reach this machine could read and write the local tables. This
 * starts the same server from the same command line (the jar's own parser and defaults), binds
 * its connectors to 127.0.0.1, then starts it. The local stack compiles it once (javac) and puts
 * it on the class path beside the jar.
 */

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public final class LoopbackDynamoDBLocal {
    private static final String LOOPBACK = "127.0.0.1";

    private LoopbackDynamoDBLocal() {}

    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        // The Jetty server is built in the proxy's constructor and kept in a private field.
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        Connector[] connectors = server.getConnectors();
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local has no connector to bind");
        }
        for (Connector connector : connectors) {
            if (!(connector instanceof ServerConnector)) {
                throw new IllegalStateException("cannot bind a " + connector.getClass().getName() + " to loopback");
            }
            ((ServerConnector) connector).setHost(LOOPBACK);
        }
        proxy.start();
    }
}
