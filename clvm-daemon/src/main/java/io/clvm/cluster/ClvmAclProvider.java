package io.clvm.cluster;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * Every node clvm creates gets one ACL: all permissions for the clvm digest identity, nothing for
 * anyone else. ZooKeeper checks DELETE and CREATE against the parent's ACL, so a client without the
 * credentials can neither delete a lock node (breaking the lock) nor queue behind it (taking it),
 * nor read holder info.
 */
public final class ClvmAclProvider implements ACLProvider {
  private final List<ACL> acl;

  /**
   * {@code credentials} is {@code user:password}, the same string the client authenticates with.
   */
  public ClvmAclProvider(String credentials) {
    try {
      String digest = DigestAuthenticationProvider.generateDigest(credentials);
      // Not List.of(): ZooKeeper.validateACL calls contains(null), which List.of() rejects.
      this.acl =
          Collections.unmodifiableList(
              new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1 digest is not available in this JVM", e);
    }
  }

  @Override
  public List<ACL> getDefaultAcl() {
    return acl;
  }

  @Override
  public List<ACL> getAclForPath(String path) {
    return acl;
  }
}
