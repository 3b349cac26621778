package dev.constellation.awsfake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * EC2 (ec2Query, 2016-11-15). Every region starts with a default VPC 172.31.0.0/16, three
 * default public subnets (one per AZ {@code a,b,c}, {@code mapPublicIpOnLaunch=true}), an
 * internet gateway, a main route table with {@code 0.0.0.0/0 -> igw-...}, and the VPC's
 * {@code default} security group.
 */
final class Ec2 {

  private static final String[] AZ = {"a", "b", "c"};

  static final class SecurityGroup {
    final String id;
    final String name;
    final String description;
    final String vpcId;
    final Map<String, String> tags;
    final boolean builtIn;

    SecurityGroup(String id, String name, String description, String vpcId,
                  Map<String, String> tags, boolean builtIn) {
      this.id = id;
      this.name = name;
      this.description = description;
      this.vpcId = vpcId;
      this.tags = new LinkedHashMap<>(tags);
      this.builtIn = builtIn;
    }
  }

  /** One region's network. */
  final class Net {
    final String region;
    final String vpcId;
    final String igwId;
    final String routeTableId;
    final String associationId;
    final List<String> subnetIds = new ArrayList<>();
    final Map<String, SecurityGroup> groups = new LinkedHashMap<>();
    final Map<String, Map<String, String>> otherTags = new HashMap<>();

    Net(String region) {
      this.region = region;
      this.vpcId = fake.ids.ec2("vpc");
      this.igwId = fake.ids.ec2("igw");
      this.routeTableId = fake.ids.ec2("rtb");
      this.associationId = fake.ids.ec2("rtbassoc");
      for (int i = 0; i < AZ.length; i++) {
        subnetIds.add(fake.ids.ec2("subnet"));
      }
      SecurityGroup def = new SecurityGroup(fake.ids.ec2("sg"), "default",
          "default VPC security group", vpcId, Map.of(), true);
      groups.put(def.id, def);
    }

    boolean hasDefaultVpc() {
      return !fake.faults.hasNoDefaultVpc(region);
    }
  }

  private final FakeAws fake;
  private final Map<String, Net> nets = new HashMap<>();

  Ec2(FakeAws fake) {
    this.fake = fake;
  }

  Net net(String region) {
    return nets.computeIfAbsent(region, Net::new);
  }

  String sgArn(String region, String id) {
    return "arn:aws:ec2:" + region + ":" + fake.accountId() + ":security-group/" + id;
  }

  List<FakeResource> resources() {
    List<FakeResource> out = new ArrayList<>();
    for (Net n : nets.values()) {
      for (SecurityGroup g : n.groups.values()) {
        if (!g.builtIn) {
          out.add(new FakeResource("ec2", n.region, "security-group", g.id, sgArn(n.region, g.id),
              g.name, Map.copyOf(g.tags)));
        }
      }
    }
    return out;
  }

  /** Creates a security group (the API and {@link Seed} both use it). */
  SecurityGroup createGroup(String region, String name, String description, String vpcId,
                            Map<String, String> tags) {
    Net n = net(region);
    if (vpcId == null) {
      if (!n.hasDefaultVpc()) {
        throw AwsError.badRequest("VPCIdNotSpecified", "No default VPC for this user. GroupName is only"
            + " supported for EC2-Classic and default VPC.");
      }
      vpcId = n.vpcId;
    } else if (!vpcId.equals(n.vpcId) || !n.hasDefaultVpc()) {
      throw AwsError.badRequest("InvalidVpcID.NotFound", "The vpc ID '" + vpcId + "' does not exist");
    }
    if (name == null || name.isEmpty() || name.length() > 255 || name.startsWith("sg-")) {
      throw AwsError.badRequest("InvalidParameterValue", "Invalid value '" + name
          + "' for groupName. It must be 1-255 characters and may not start with 'sg-'.");
    }
    String v = vpcId;
    if (n.groups.values().stream().anyMatch(g -> g.vpcId.equals(v) && g.name.equals(name))) {
      throw AwsError.badRequest("InvalidGroup.Duplicate",
          "The security group '" + name + "' already exists for VPC '" + vpcId + "'");
    }
    SecurityGroup g = new SecurityGroup(fake.ids.ec2("sg"), name, description, vpcId, tags, false);
    n.groups.put(g.id, g);
    return g;
  }

  Resp handle(String op, Req req) {
    Form f = new Form(req.bodyText());
    String region = req.region;
    String rid = fake.ids.requestId();
    return switch (op) {
      case "DescribeRegions" -> Protocol.ec2Success(op, describeRegions(f), rid);
      case "DescribeVpcs" -> Protocol.ec2Success(op, describeVpcs(region, f), rid);
      case "DescribeSubnets" -> Protocol.ec2Success(op, describeSubnets(region, f), rid);
      case "DescribeRouteTables" -> Protocol.ec2Success(op, describeRouteTables(region, f), rid);
      case "DescribeSecurityGroups" -> Protocol.ec2Success(op, describeGroups(region, f), rid);
      case "CreateSecurityGroup" -> {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String ts : f.list("TagSpecification")) {
          String type = f.get(ts + ".ResourceType");
          if (type != null && !type.equals("security-group")) {
            throw AwsError.badRequest("InvalidParameterValue", "'" + type
                + "' is not a valid taggable resource type for this operation.");
          }
          tags.putAll(f.tags(ts + ".Tag"));
        }
        SecurityGroup g = createGroup(region, f.required("GroupName"), f.required("GroupDescription"),
            f.get("VpcId"), tags);
        yield Protocol.ec2Success(op, new Xml().el("return", true).el("groupId", g.id)
            .el("securityGroupArn", sgArn(region, g.id)).ec2Tags(g.tags).toString(), rid);
      }
      case "DeleteSecurityGroup" -> {
        Net n = net(region);
        SecurityGroup g = f.get("GroupId") != null ? n.groups.get(f.get("GroupId"))
            : n.groups.values().stream().filter(x -> x.vpcId.equals(n.vpcId)
                && x.name.equals(f.get("GroupName"))).findFirst().orElse(null);
        String what = f.get("GroupId") != null ? f.get("GroupId") : f.get("GroupName");
        if (g == null) {
          throw AwsError.badRequest("InvalidGroup.NotFound",
              "The security group '" + what + "' does not exist");
        }
        if (g.builtIn) {
          throw AwsError.badRequest("CannotDelete", "the specified group: \"" + g.id
              + "\" name: \"default\" cannot be deleted by a user");
        }
        if (fake.ecs.groupInUse(region, g.id)) {
          throw AwsError.badRequest("DependencyViolation", "resource " + g.id
              + " has a dependent object");
        }
        n.groups.remove(g.id);
        yield Protocol.ec2Success(op, new Xml().el("return", true).el("groupId", g.id).toString(), rid);
      }
      case "CreateTags", "DeleteTags" -> {
        Net n = net(region);
        List<String> ids = f.values("ResourceId");
        if (ids.isEmpty()) {
          throw AwsError.badRequest("MissingParameter", "The request must contain the parameter ResourceId");
        }
        for (String id : ids) {
          Map<String, String> tags = tagsOf(n, id);
          if (op.equals("CreateTags")) {
            tags.putAll(f.tags("Tag"));
          } else {
            for (String t : f.list("Tag")) {
              String k = f.get(t + ".Key");
              String v = f.get(t + ".Value");
              if (v == null || v.equals(tags.get(k))) {
                tags.remove(k);
              }
            }
          }
        }
        yield Protocol.ec2Success(op, new Xml().el("return", true).toString(), rid);
      }
      case "DescribeTags" -> Protocol.ec2Success(op, describeTags(region, f), rid);
      default -> throw AwsError.badRequest("InvalidAction",
          "The action " + op + " is not valid for this web service (the fake does not model it).");
    };
  }

  private Map<String, String> tagsOf(Net n, String id) {
    SecurityGroup g = n.groups.get(id);
    if (g != null) {
      return g.tags;
    }
    if (id.equals(n.vpcId) || n.subnetIds.contains(id) || id.equals(n.routeTableId)
        || id.equals(n.igwId)) {
      return n.otherTags.computeIfAbsent(id, k -> new LinkedHashMap<>());
    }
    String code = id.startsWith("sg-") ? "InvalidGroup.NotFound" : "InvalidID";
    throw AwsError.badRequest(code, "The ID '" + id + "' does not exist");
  }

  // --- filters ---

  /** Filter.N.Name / Filter.N.Value.M as name -> values. */
  private static Map<String, List<String>> filters(Form f) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String p : f.list("Filter")) {
      out.put(f.get(p + ".Name"), f.values(p + ".Value"));
    }
    return out;
  }

  private static boolean matches(Map<String, List<String>> filters, String name, String value) {
    List<String> wanted = filters.get(name);
    return wanted == null || wanted.contains(value);
  }

  private static boolean tagFilters(Map<String, List<String>> filters, Map<String, String> tags) {
    for (Map.Entry<String, List<String>> e : filters.entrySet()) {
      if (e.getKey().startsWith("tag:")) {
        String v = tags.get(e.getKey().substring(4));
        if (v == null || !e.getValue().contains(v)) {
          return false;
        }
      } else if (e.getKey().equals("tag-key")) {
        if (e.getValue().stream().noneMatch(tags::containsKey)) {
          return false;
        }
      }
    }
    return true;
  }

  private String describeRegions(Form f) {
    boolean all = f.bool("AllRegions");
    List<String> names = f.values("RegionName");
    Map<String, List<String>> filters = filters(f);
    Xml x = new Xml().open("regionInfo");
    for (String r : fake.options.regions) {
      String status = !fake.isOptInRegion(r) ? "opt-in-not-required"
          : fake.faults.isOptedOut(r) ? "not-opted-in" : "opted-in";
      boolean enabled = !status.equals("not-opted-in");
      if (!names.isEmpty() && !names.contains(r)) {
        continue;
      }
      if (!all && !enabled && names.isEmpty()) {
        continue;
      }
      if (!matches(filters, "region-name", r) || !matches(filters, "opt-in-status", status)) {
        continue;
      }
      x.open("item").el("regionName", r).el("regionEndpoint", "ec2." + r + ".amazonaws.com")
          .el("optInStatus", status).close("item");
    }
    for (String n : names) {
      if (!fake.regionExists(n)) {
        throw AwsError.badRequest("InvalidParameterValue", "Invalid region: " + n);
      }
    }
    return x.close("regionInfo").toString();
  }

  private String describeVpcs(String region, Form f) {
    Net n = net(region);
    Map<String, List<String>> filters = filters(f);
    List<String> ids = f.values("VpcId");
    Xml x = new Xml().open("vpcSet");
    if (n.hasDefaultVpc() && (ids.isEmpty() || ids.contains(n.vpcId))
        && matches(filters, "isDefault", "true") && matches(filters, "is-default", "true")
        && matches(filters, "vpc-id", n.vpcId) && matches(filters, "state", "available")
        && tagFilters(filters, n.otherTags.getOrDefault(n.vpcId, Map.of()))) {
      x.open("item").el("vpcId", n.vpcId).el("ownerId", fake.accountId()).el("state", "available")
          .el("cidrBlock", "172.31.0.0/16").el("dhcpOptionsId", "dopt-0" + n.vpcId.substring(5))
          .el("instanceTenancy", "default").el("isDefault", true)
          .open("cidrBlockAssociationSet").open("item").el("associationId", "vpc-cidr-assoc-0")
          .el("cidrBlock", "172.31.0.0/16").open("cidrBlockState").el("state", "associated")
          .close("cidrBlockState").close("item").close("cidrBlockAssociationSet")
          .ec2Tags(n.otherTags.getOrDefault(n.vpcId, Map.of())).close("item");
    } else if (!ids.isEmpty()) {
      throw AwsError.badRequest("InvalidVpcID.NotFound", "The vpc ID '" + ids.get(0) + "' does not exist");
    }
    return x.close("vpcSet").toString();
  }

  private String describeSubnets(String region, Form f) {
    Net n = net(region);
    Map<String, List<String>> filters = filters(f);
    List<String> ids = f.values("SubnetId");
    Xml x = new Xml().open("subnetSet");
    if (n.hasDefaultVpc()) {
      for (int i = 0; i < n.subnetIds.size(); i++) {
        String id = n.subnetIds.get(i);
        String az = region + AZ[i];
        Map<String, String> tags = n.otherTags.getOrDefault(id, Map.of());
        if ((!ids.isEmpty() && !ids.contains(id)) || !matches(filters, "vpc-id", n.vpcId)
            || !matches(filters, "default-for-az", "true") || !matches(filters, "defaultForAz", "true")
            || !matches(filters, "subnet-id", id) || !matches(filters, "availability-zone", az)
            || !matches(filters, "map-public-ip-on-launch", "true")
            || !matches(filters, "state", "available") || !tagFilters(filters, tags)) {
          continue;
        }
        x.open("item").el("subnetId", id)
            .el("subnetArn", "arn:aws:ec2:" + region + ":" + fake.accountId() + ":subnet/" + id)
            .el("state", "available").el("vpcId", n.vpcId).el("cidrBlock", "172.31." + (16 * i) + ".0/20")
            .el("availableIpAddressCount", 4091).el("availabilityZone", az)
            .el("availabilityZoneId", region.replace("-", "").substring(0, 4) + "-az" + (i + 1))
            .el("defaultForAz", true).el("mapPublicIpOnLaunch", true)
            .el("assignIpv6AddressOnCreation", false).el("ownerId", fake.accountId())
            .ec2Tags(tags).close("item");
      }
    }
    for (String id : ids) {
      if (!n.hasDefaultVpc() || !n.subnetIds.contains(id)) {
        throw AwsError.badRequest("InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist");
      }
    }
    return x.close("subnetSet").toString();
  }

  private String describeRouteTables(String region, Form f) {
    Net n = net(region);
    Map<String, List<String>> filters = filters(f);
    Xml x = new Xml().open("routeTableSet");
    if (n.hasDefaultVpc() && matches(filters, "vpc-id", n.vpcId)
        && matches(filters, "association.main", "true") && matches(filters, "route-table-id", n.routeTableId)
        && !filters.containsKey("association.subnet-id")
        && tagFilters(filters, n.otherTags.getOrDefault(n.routeTableId, Map.of()))) {
      x.open("item").el("routeTableId", n.routeTableId).el("vpcId", n.vpcId)
          .el("ownerId", fake.accountId())
          .open("routeSet")
          .open("item").el("destinationCidrBlock", "172.31.0.0/16").el("gatewayId", "local")
          .el("state", "active").el("origin", "CreateRouteTable").close("item")
          .open("item").el("destinationCidrBlock", "0.0.0.0/0").el("gatewayId", n.igwId)
          .el("state", "active").el("origin", "CreateRoute").close("item")
          .close("routeSet")
          .open("associationSet").open("item").el("routeTableAssociationId", n.associationId)
          .el("routeTableId", n.routeTableId).el("main", true)
          .open("associationState").el("state", "associated").close("associationState")
          .close("item").close("associationSet")
          .el("propagatingVgwSet", null)
          .ec2Tags(n.otherTags.getOrDefault(n.routeTableId, Map.of())).close("item");
    }
    return x.close("routeTableSet").toString();
  }

  private String describeGroups(String region, Form f) {
    Net n = net(region);
    Map<String, List<String>> filters = filters(f);
    List<String> ids = f.values("GroupId");
    List<String> names = f.values("GroupName");
    for (String id : ids) {
      if (!n.groups.containsKey(id)) {
        throw AwsError.badRequest("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
      }
    }
    for (String name : names) {
      if (n.groups.values().stream().noneMatch(g -> g.vpcId.equals(n.vpcId) && g.name.equals(name))
          || !n.hasDefaultVpc()) {
        throw AwsError.badRequest("InvalidGroup.NotFound", "The security group '" + name
            + "' does not exist in default VPC '" + (n.hasDefaultVpc() ? n.vpcId : "none") + "'");
      }
    }
    Predicate<SecurityGroup> keep = g -> (ids.isEmpty() || ids.contains(g.id))
        && (names.isEmpty() || names.contains(g.name))
        && matches(filters, "group-name", g.name) && matches(filters, "group-id", g.id)
        && matches(filters, "vpc-id", g.vpcId) && matches(filters, "description", g.description)
        && tagFilters(filters, g.tags);
    Xml x = new Xml().open("securityGroupInfo");
    for (SecurityGroup g : n.groups.values()) {
      if (!keep.test(g) || (g.builtIn && !n.hasDefaultVpc())) {
        continue;
      }
      x.open("item").el("ownerId", fake.accountId()).el("groupId", g.id).el("groupName", g.name)
          .el("groupDescription", g.description).el("vpcId", g.vpcId)
          .el("securityGroupArn", sgArn(region, g.id))
          .raw("<ipPermissions/>")
          .open("ipPermissionsEgress").open("item").el("ipProtocol", "-1")
          .raw("<groups/>").open("ipRanges").open("item").el("cidrIp", "0.0.0.0/0").close("item")
          .close("ipRanges").raw("<ipv6Ranges/><prefixListIds/>").close("item").close("ipPermissionsEgress")
          .ec2Tags(g.tags).close("item");
    }
    return x.close("securityGroupInfo").toString();
  }

  private String describeTags(String region, Form f) {
    Net n = net(region);
    Map<String, List<String>> filters = filters(f);
    Xml x = new Xml().open("tagSet");
    for (SecurityGroup g : n.groups.values()) {
      if (!matches(filters, "resource-id", g.id) || !matches(filters, "resource-type", "security-group")) {
        continue;
      }
      g.tags.forEach((k, v) -> {
        if (matches(filters, "key", k) && matches(filters, "value", v)) {
          x.open("item").el("resourceId", g.id).el("resourceType", "security-group").el("key", k)
              .el("value", v).close("item");
        }
      });
    }
    return x.close("tagSet").toString();
  }
}
