package dcrharness;

import java.security.*;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.UUID;
import com.nimbusds.jose.jwk.*;
import com.nimbusds.jose.jwk.source.*;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.core.*;
import org.springframework.security.oauth2.jwt.*;
import org.springframework.security.oauth2.server.authorization.client.*;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.SecurityFilterChain;

/** OIDC DCR at /connect/register and RFC 7591 DCR at /oauth2/register; both need an initial access token
 *  (registrar client, client_credentials, scope client.create) unless dcr.open-registration=true (RFC 7591 only). */
@SpringBootApplication
public class AuthServerApp {
    public static void main(String[] args) { SpringApplication.run(AuthServerApp.class, args); }

    @Bean @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http,
            @Value("${dcr.open-registration:false}") boolean open) throws Exception {
        http.oauth2AuthorizationServer(as -> {
                http.securityMatcher(as.getEndpointsMatcher());
                as.clientRegistrationEndpoint(reg -> reg.openRegistrationAllowed(open))
                  .oidc(oidc -> oidc.clientRegistrationEndpoint(Customizer.withDefaults()));
            })
            .authorizeHttpRequests(authz -> {
                if (open) authz.requestMatchers(HttpMethod.POST, "/oauth2/register").permitAll();
                authz.anyRequest().authenticated();
            })
            .oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults()))
            .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean @Order(2)
    SecurityFilterChain defaultChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(authz -> authz.anyRequest().denyAll()).csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    RegisteredClientRepository registeredClientRepository(
            @Value("${dcr.registrar.client-id:registrar}") String id,
            @Value("${dcr.registrar.client-secret:registrar-secret}") String secret) {
        return new InMemoryRegisteredClientRepository(RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(id).clientSecret("{noop}" + secret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scope("client.create").scope("client.read").build());
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(@Value("${dcr.issuer:}") String issuer) {
        AuthorizationServerSettings.Builder b = AuthorizationServerSettings.builder();
        if (!issuer.isEmpty()) b.issuer(issuer);
        return b.build();
    }

    @Bean
    JWKSource<SecurityContext> jwkSource() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair kp = gen.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) kp.getPublic()).privateKey((RSAPrivateKey) kp.getPrivate())
                .keyID(UUID.randomUUID().toString()).build();
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) { return NimbusJwtDecoder.withJwkSource(jwkSource).build(); }
}
